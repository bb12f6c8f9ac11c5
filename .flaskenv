FLASK_APP=physio
